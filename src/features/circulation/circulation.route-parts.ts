// Small pieces the circulation route files share.
import { z } from 'zod';

export const idParams = z.object({ id: z.string().min(1).max(64) });
