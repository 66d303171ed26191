// Configuration lives in src/config/ (one file per area); this re-export keeps `../config.ts` imports working.
export * from './config/index.ts';
