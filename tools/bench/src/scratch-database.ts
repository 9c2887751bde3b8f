import pg from "pg";

/** A database of one bench run's own, on the machine's PostgreSQL. */
export interface ScratchDatabase {
  /** Where todo-api connects: DATABASE_URL. */
  url: string;
  /** Drops it, connections and all. */
  drop(): Promise<void>;
}

/** Databases this process made: two in the same millisecond get different names. */
let created = 0;

async function asAdmin(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database beside the one `adminUrl` names (a role that may CREATE DATABASE),
 * so that todo-api migrates it from scratch and nothing else's data is measured or touched.
 */
export async function createScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  created += 1;
  const name = `tracemesh_bench_${process.pid}_${Date.now()}_${created}`;
  await asAdmin(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => asAdmin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
