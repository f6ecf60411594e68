export { type Problem, registerProblemHandler } from './problem.ts';
export { createHttpServer, type HttpOptions, type HttpServer, requestMeta } from './server.ts';
