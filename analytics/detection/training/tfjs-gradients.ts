/**
 * TensorFlow.js gradients in Node without the umbrella `@tensorflow/tfjs` package: tfjs-core's
 * CommonJS bundle leaves the gradient functions out, and its ES-module files import each other
 * without extensions (`./gradients` is also a folder), which Node refuses. A resolve hook adds
 * the `.js` for imports inside tfjs-core's `dist/`, then the gradients register themselves in
 * tfjs's global registry (shared by both copies of the module).
 */
import { register } from 'node:module';

const HOOK = `
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('.') && !specifier.endsWith('.js') && context.parentURL && context.parentURL.includes('/@tensorflow/tfjs-core/dist/')) {
    const url = new URL(specifier + '.js', context.parentURL);
    if (fs.existsSync(fileURLToPath(url))) return next(url.href, context);
  }
  return next(specifier, context);
}`;

let loaded: Promise<unknown> | undefined;

/** Registers every tfjs-core gradient (once). */
export function enableTfjsGradients(): Promise<unknown> {
  loaded ??= (async () => {
    register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
    return import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  })();
  return loaded;
}
