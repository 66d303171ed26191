// The one error mapper: domain errors and client mistakes become a 4xx with a stable code and a
// plain message — an HTML page for browsers, { error: { code, message } } for the API; anything
// unexpected is logged (scrubbed, with the request id) and answered with a generic 500.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './types.ts';
import type { AppContext } from '../context.ts';
import {
  DomainError,
  TooManyRequestsError,
  ValidationError,
  type ErrorKind,
  type FieldErrors,
} from '../errors.ts';
import { scrubForLog } from '../log-scrub.ts';
import { Layout } from './layout.tsx';
import { sendPage } from './render.tsx';

export interface ErrorBody {
  status: number;
  code: string;
  message: string;
  fields?: FieldErrors;
}

const titles: Record<number, string> = {
  400: 'Something in the request was not right',
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Page not found',
  405: 'Not allowed here',
  408: 'The request stopped arriving',
  409: 'That could not be done',
  413: 'Too much data sent',
  415: 'Unsupported kind of data',
  429: 'Please wait a moment',
  500: 'Something went wrong on our side',
};

/** The one place a kind of domain error becomes an HTTP status. */
const statusOfKind: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  timed_out: 408,
  conflict: 409,
  too_large: 413,
  too_many_requests: 429,
};

/** The HTTP status a domain error is answered with. */
export const domainStatus = (err: DomainError): number => statusOfKind[err.kind];

/** Maps any thrown value to what the person is told; never leaks internals. */
export function describeError(err: unknown): ErrorBody {
  if (err instanceof DomainError) {
    return {
      status: domainStatus(err),
      code: err.code,
      message: err.message,
      ...(err instanceof ValidationError ? { fields: err.fields } : {}),
    };
  }
  const fe = err as Partial<FastifyError> & {
    validation?: Array<{ instancePath?: string; message?: string }>;
  };
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.statusCode === 413) {
    return {
      status: 413,
      code: 'body_too_large',
      message: 'The data sent is larger than this site accepts. Please send less at once.',
    };
  }
  if (fe.validation) {
    const fields: FieldErrors = {};
    for (const v of fe.validation)
      fields[(v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.') || '_'] ??=
        v.message ?? 'is not valid';
    return {
      status: 400,
      code: 'invalid_input',
      message: 'The request is not valid; see the fields.',
      fields,
    };
  }
  if (fe.statusCode === 415)
    return {
      status: 415,
      code: 'unsupported_media_type',
      message: 'This kind of data is not accepted here.',
    };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return {
      status: fe.statusCode,
      code: 'bad_request',
      message: 'The request could not be understood. Please check it and try again.',
    };
  }
  return {
    status: 500,
    code: 'internal',
    message:
      'Something went wrong on our side. Please try again in a moment; if it keeps happening, tell the library.',
  };
}

const wantsJson = (request: FastifyRequest): boolean => request.url.startsWith('/api/');

export function sendError(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  body: ErrorBody,
  allow?: string[],
) {
  if (allow) void reply.header('Allow', allow.join(', '));
  if (wantsJson(request)) {
    return reply.code(body.status).send({
      error: { code: body.code, message: body.message, ...(body.fields ? { fields: body.fields } : {}) },
    });
  }
  const staffArea = request.url.startsWith('/staff');
  return sendPage(
    reply,
    <Layout
      title={titles[body.status] ?? 'Error'}
      library={ctx.config.library}
      actor={request.actor}
      staffArea={staffArea}
    >
      <h1>{titles[body.status] ?? 'Error'}</h1>
      <p class="lead">{body.message}</p>
      {body.status === 500 && <p class="small">Reference for the library's staff: {request.id}</p>}
      <p>
        <a href={staffArea ? '/staff' : '/'}>Go to the home page</a>
      </p>
    </Layout>,
    body.status,
  );
}

/** Compiles a route pattern ("/staff/:id") to a matcher, to tell 405 from 404. */
const patternToRegex = (url: string): RegExp =>
  new RegExp(
    `^${url
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\/:[^/]+/g, '/[^/]+')
      .replace(/\*/g, '.*')}/?$`,
  );

export function installErrorHandling(app: App, ctx: AppContext): void {
  const routes: Array<{ re: RegExp; methods: string[] }> = [];
  app.addHook('onRoute', (route) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map(String);
    routes.push({ re: patternToRegex(route.url), methods });
  });

  app.setErrorHandler((err, request, reply) => {
    const body = describeError(err);
    if (body.status >= 500) {
      const e = err as Error;
      // The message and stack are scrubbed: a driver error can quote the value that failed (G4).
      request.log.error(
        {
          error: {
            type: e?.name,
            message: scrubForLog(String(e?.message ?? e)),
            stack: scrubForLog(String(e?.stack ?? ''), 4000),
          },
        },
        'unhandled error',
      );
    }
    if (err instanceof TooManyRequestsError) void reply.header('Retry-After', String(err.retryAfterSeconds));
    return sendError(ctx, request, reply, body);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = new Set<string>();
    for (const r of routes) if (r.re.test(path)) r.methods.forEach((m) => allowed.add(m));
    if (allowed.size > 0 && !allowed.has(request.method)) {
      return sendError(
        ctx,
        request,
        reply,
        {
          status: 405,
          code: 'method_not_allowed',
          message: `This address does not accept ${request.method} requests.`,
        },
        [...allowed].sort(),
      );
    }
    return sendError(ctx, request, reply, {
      status: 404,
      code: 'not_found',
      message: 'There is no page at this address. It may have moved; try the home page.',
    });
  });
}
