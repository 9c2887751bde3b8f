export interface QuerySummary {
  /** The statement's verb: SELECT, INSERT, UPDATE, DELETE, CREATE… */
  operation: string | undefined;
  /** The table it works on, when one is named plainly. */
  collection: string | undefined;
}

const COMMENTS = /--[^\n]*|\/\*[\s\S]*?\*\//g;
const NAME = "[A-Za-z_][A-Za-z0-9_$]*";
const IDENTIFIER = String.raw`"?(${NAME})"?(?:\."?(${NAME})"?)?`;
const PLAIN_NAME = new RegExp(`^${NAME}$`);
const TABLE_AFTER: Record<string, RegExp> = {
  SELECT: new RegExp(String.raw`\bFROM\s+${IDENTIFIER}`, "i"),
  DELETE: new RegExp(String.raw`^DELETE\s+FROM\s+${IDENTIFIER}`, "i"),
  INSERT: new RegExp(String.raw`^INSERT\s+INTO\s+${IDENTIFIER}`, "i"),
  UPDATE: new RegExp(String.raw`^UPDATE\s+(?:ONLY\s+)?${IDENTIFIER}`, "i"),
  CREATE: new RegExp(String.raw`^CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?${IDENTIFIER}`, "i"),
};

/**
 * The low-cardinality summary the database semantic conventions ask for ("SELECT todos"),
 * read from the statement text without a full SQL parser: good enough for our own queries.
 */
export function summarizeQuery(text: string): QuerySummary {
  const statement = text.replace(COMMENTS, " ").trim();
  const operation = statement.match(/^[A-Za-z]+/)?.[0]?.toUpperCase();
  const match = operation === undefined ? undefined : TABLE_AFTER[operation]?.exec(statement);
  const collection = match ? (match[2] ?? match[1]) : undefined;
  return { operation, collection };
}

/** The span name for a statement: `{operation} {table}`, or just the operation. */
export function querySpanName({ operation, collection }: QuerySummary): string {
  if (operation === undefined) return "postgresql";
  return collection === undefined ? operation : `${operation} ${collection}`;
}

/** Whether `name` is a bare SQL identifier, as `collection` always is: safe to write unquoted. */
export function isPlainName(name: string): boolean {
  return PLAIN_NAME.test(name);
}
