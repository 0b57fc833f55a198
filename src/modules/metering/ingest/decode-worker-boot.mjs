// Worker threads start without the TypeScript loader the main thread has:
// register it, then load the worker written in TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./decode-worker.ts');
