/** Which engine the suites run on: `TEST_DB=pglite` (default) or `TEST_DB=postgres`. */
export function testEngine(): 'pglite' | 'postgres' {
  const engine = process.env.TEST_DB ?? 'pglite';
  if (engine !== 'pglite' && engine !== 'postgres') {
    throw new Error(`TEST_DB must be pglite or postgres, not ${engine}`);
  }
  return engine;
}

/** The PostgreSQL server the postgres suites create their databases on. */
export function adminUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** The URL of another database on the same server. */
export function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}
