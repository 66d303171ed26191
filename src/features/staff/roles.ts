// Staff roles live in src/auth/roles.ts, where shared code (the data inventory, the privacy page)
// can read them without importing a feature (issue 13 part 1).
export * from '../../auth/roles.ts';
