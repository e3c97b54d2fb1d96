/** Error base and catalogues: domain code throws catalogue errors with stable codes. */

/** An error with a stable code and the HTTP status it maps to. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** One entry of an error catalogue. */
export interface ErrorSpec {
  status: number;
  message: string;
}

/** A catalogue's factory: makes the error, optionally with another message and details. */
export type ErrorFactory = ((message?: string, details?: unknown) => AppError) & { code: string; status: number };

/**
 * Defines a catalogue. The key of each entry is its code (UPPER_SNAKE), so a code always matches
 * its name; `errorCatalogue.test.ts` checks every catalogue for this.
 */
export function defineErrors<K extends string>(specs: Record<K, ErrorSpec>): Record<K, ErrorFactory> {
  const out = {} as Record<K, ErrorFactory>;
  for (const code of Object.keys(specs) as K[]) {
    const spec = specs[code];
    const factory = ((message?: string, details?: unknown) =>
      new AppError(code, message ?? spec.message, spec.status, details)) as ErrorFactory;
    factory.code = code;
    factory.status = spec.status;
    out[code] = factory;
  }
  return out;
}

/** Errors shared by every service. */
export const CommonErrors = defineErrors({
  VALIDATION_FAILED: { status: 400, message: '请求内容不符合格式要求 / request body failed validation' },
  NOT_FOUND: { status: 404, message: '资源不存在 / not found' },
  CONFLICT: { status: 409, message: '资源已存在或已被修改 / conflict' },
  UNAUTHENTICATED: { status: 401, message: '请先登录 / sign-in required' },
  FORBIDDEN: { status: 403, message: '无权执行此操作 / not allowed' },
  UNAVAILABLE: { status: 503, message: '服务暂不可用 / service unavailable' },
  INTERNAL: { status: 500, message: '内部错误 / internal error' },
});
