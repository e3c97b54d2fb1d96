/** Compiled validators for wire schemas, with errors a person can read. */
import type { TSchema, Static } from 'typebox';
import { Compile } from 'typebox/compile';

/** Result of validating untrusted input. */
export type Validation<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** A compiled validator of one schema. */
export interface Validator<T> {
  check(value: unknown): Validation<T>;
}

/** Compiles `schema` once; `check` returns the value or at most `maxErrors` readable errors. */
export function validator<S extends TSchema>(schema: S, maxErrors = 5): Validator<Static<S>> {
  const compiled = Compile(schema);
  return {
    check(value: unknown): Validation<Static<S>> {
      if (compiled.Check(value)) return { ok: true, value: value as Static<S> };
      const errors: string[] = [];
      for (const e of compiled.Errors(value)) {
        errors.push(`${e.instancePath || '/'} ${e.message}`);
        if (errors.length >= maxErrors) break;
      }
      return { ok: false, errors };
    },
  };
}

/** Parses a JSON MQTT payload and validates it; never throws. */
export function parseJsonPayload<T>(payload: Uint8Array | string, v: Validator<T>): Validation<T> {
  let value: unknown;
  try {
    const text = typeof payload === 'string' ? payload : new TextDecoder('utf-8', { fatal: true }).decode(payload);
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`not valid UTF-8 JSON: ${(err as Error).message}`] };
  }
  return v.check(value);
}
