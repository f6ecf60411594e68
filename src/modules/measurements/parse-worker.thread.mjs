// The entry of parse-worker.ts's thread. A worker thread starts without the module hooks of the thread that
// made it (tsx's, in `topfit`, the benchmarks and the tests alike), so it registers tsx itself before it loads
// the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./parse-worker.thread.ts');
