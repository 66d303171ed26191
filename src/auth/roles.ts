// Staff roles. A staff member may hold several; permissions are plain functions in staff.policy.ts.
export const roles = [
  'admin',
  'circulation',
  'reference',
  'webmaster',
  'privacy-officer',
  'counsel',
  'pc-staff',
] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
  admin: 'Administrator',
  circulation: 'Circulation desk',
  reference: 'Reference librarian',
  webmaster: 'Webmaster',
  'privacy-officer': 'Privacy officer',
  counsel: "Library's counsel",
  'pc-staff': 'Public computers',
};

export const isRole = (v: string): v is Role => (roles as readonly string[]).includes(v);
