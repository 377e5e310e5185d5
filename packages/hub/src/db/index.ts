export { openDatabase, migrationsFolder, rowsOf, retryWhenConnectionLost } from './database.ts';
export type { Database, DatabaseOptions, Db, Tx, Queryable } from './database.ts';
export { withTenant } from './tenancy.ts';
export * as tables from './schema.ts';
export { createTestDatabase, testDatabaseKinds, isTestPostgresReachable, testPostgresUrl } from './test-database.ts';
export type { TestDatabaseKind } from './test-database.ts';
