// Input schemas for staff forms, the API and the CLI. Messages are written for the person typing.
import { z } from 'zod';
import { isRole, type Role } from './roles.ts';

/** A staff user name: lower-case letters, digits, dot, dash, underscore. */
export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9._-]{3,32}$/, 'Use 3–32 lower-case letters, digits, dots, dashes or underscores.');

/** At least 12 characters; long passphrases welcome. */
export const passwordSchema = z
  .string()
  .min(12, 'Use at least 12 characters.')
  .max(256, 'Use at most 256 characters.');

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'Enter a name.')
  .max(100, 'Use at most 100 characters.');

// Checked as a whole list so every message lands on the "roles" field (not "roles.1"), where the
// form shows it next to the check boxes.
const roleList = z
  .preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.unknown()))
  .refine((r) => r.length > 0, 'Choose at least one role.')
  .refine((r) => r.every((v) => typeof v === 'string' && isRole(v)), 'Choose roles from the list.')
  .transform((r) => [...new Set(r.filter((v): v is Role => typeof v === 'string' && isRole(v)))].sort());

export const createStaffSchema = z.object({
  username: usernameSchema,
  displayName: displayNameSchema,
  roles: roleList,
  /** Optional; a random one is generated and shown once when left out. */
  password: passwordSchema.optional(),
});
export type CreateStaffInput = z.input<typeof createStaffSchema>;
/** A new account's checked values, as createStaff takes them. */
export type CreateStaffValues = z.output<typeof createStaffSchema>;

/** The administrator's new-account form: no password field; a one-time password is generated. */
export const newStaffFormSchema = createStaffSchema.omit({ password: true });

export const updateStaffSchema = z.object({
  displayName: displayNameSchema,
  roles: roleList,
});
export type UpdateStaffValues = z.output<typeof updateStaffSchema>;

export const loginSchema = z.object({
  username: z.string().trim().toLowerCase().min(1, 'Enter your user name.').max(64, 'Enter your user name.'),
  password: z.string().min(1, 'Enter your password.').max(256, 'Wrong user name or password.'),
});
export type LoginValues = z.output<typeof loginSchema>;
/** The summary above the sign-in form's field messages. */
export const LOGIN_SUMMARY = 'Enter your user name and password.';

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, 'Enter your current password.').max(256),
    newPassword: passwordSchema,
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ['confirmPassword'],
    message: 'The two new passwords differ.',
  });
export type ChangePasswordValues = z.output<typeof changePasswordSchema>;
