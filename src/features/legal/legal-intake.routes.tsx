// The intake page (issue 15 item 1; L1): any signed-in staff member records a visit by law
// enforcement; after it, a page that says what to do and say and names no case. Thin: parse, guard,
// one service call, view. Nothing typed here is logged (G4): only the route pattern and status.
// The form is multipart (scans or photos of the papers): its POST lives in its own scope behind the
// upload gate (catalog/import/upload.ts), which checks who sends before reading the body and keeps
// the files in memory only, so they reach the disk encrypted or not at all (L6).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.ts';
import { requireStaff } from '../../http/auth.ts';
import { ValidationError } from '../../errors.ts';
import { formAction } from '../../http/form-action.ts';
import { formFields } from '../../http/forms.ts';
import { parseInput } from '../../validation.ts';
import { installUploadHandling, uploadedFiles, withUpload } from '../catalog/import/upload.ts';
import { sendPage } from '../../http/render.tsx';
import type { App } from '../../http/types.ts';
import { intakeFormSchema, localDateTime, sniffMediaType } from './legal-intake.schemas.ts';
import { INTAKE_PATH, IntakePage, RECORDED_PATH, RecordedPage } from './legal-intake.views.tsx';
import { canOpenCase } from './legal.policy.ts';
import { intakeSchema, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from './legal.schemas.ts';
import { openCase } from './legal.service.ts';

const MB = MAX_ATTACHMENT_BYTES / (1024 * 1024);
const uploadGate = {
  permitted: canOpenCase,
  // The files, the form's eight fields and its token, and a little room.
  limits: { fileBytes: MAX_ATTACHMENT_BYTES, parts: MAX_ATTACHMENTS + 12, fieldBytes: 64 * 1024 },
  maxConcurrent: 4,
  busyMessage: 'Other visits are being recorded right now. Please send the form again in a minute.',
  memory: true,
  tooLarge: () =>
    `A file may be at most ${MB} MB. Send the form without it and give the papers to the privacy officer.`,
};

/** The uploaded files as the service takes them; a refusal names the file field. */
function attachmentsOf(request: FastifyRequest) {
  const files = uploadedFiles(request)
    .filter((f) => f.field === 'files' && f.size > 0)
    .map((f) => {
      const bytes = new Uint8Array(f.bytes ?? Buffer.alloc(0));
      const name = f.filename.replace(/[^\p{L}\p{N} ._()-]/gu, '_').slice(0, 200) || 'file';
      return { name, mediaType: sniffMediaType(bytes), bytes };
    });
  try {
    return parseInput(intakeSchema.shape.attachments, files);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const message = Object.values(err.fields)[0] ?? 'Attach a PDF, JPEG or PNG file.';
    throw new ValidationError('Please correct the marked fields.', { files: message });
  }
}

const recordedQuery = z.object({ notified: z.coerce.number().int().min(0).max(1000).catch(0) });

export function registerLegalIntakeRoutes(app: App, ctx: AppContext): void {
  const library = ctx.config.library;
  const frame = (request: FastifyRequest, reply: FastifyReply) => ({
    library,
    actor: request.actor,
    csrfToken: reply.generateCsrf(),
  });
  const schema = intakeFormSchema(library.timezone);

  app.get(INTAKE_PATH, (request, reply) => {
    if (!requireStaff(request, reply, canOpenCase)) return reply;
    const values = { arrivedAt: localDateTime(ctx.clock.now(), library.timezone) };
    return sendPage(reply, <IntakePage {...frame(request, reply)} values={values} />);
  });

  void app.register(async (scope: App) => {
    installUploadHandling(scope, ctx, uploadGate);
    scope.post(INTAKE_PATH, async (request, reply) => {
      const actor = requireStaff(request, reply, canOpenCase);
      if (!actor) return reply;
      const r = await withUpload(request, () =>
        formAction(request, reply, { schema, input: formFields(request) }, (v) =>
          openCase(ctx, actor, { ...v, attachments: attachmentsOf(request) }),
        ),
      );
      // See other: a reload of the next page does not record the visit twice.
      if (r.ok) return reply.redirect(`${RECORDED_PATH}?notified=${r.result.notified}`, 303);
      return sendPage(
        reply,
        <IntakePage
          {...frame(request, reply)}
          values={r.failure.values}
          error={r.failure.message}
          fields={r.failure.fields}
        />,
        r.failure.status,
      );
    });
  });

  app.get(RECORDED_PATH, (request, reply) => {
    if (!requireStaff(request, reply, canOpenCase)) return reply;
    const { notified } = recordedQuery.parse(request.query);
    return sendPage(reply, <RecordedPage {...frame(request, reply)} notified={notified} />);
  });
}
