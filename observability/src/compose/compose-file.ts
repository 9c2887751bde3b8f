import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { REPO_ROOT } from "../config-files.ts";

/** The repository's docker-compose.yml. */
export const COMPOSE_FILE = `${REPO_ROOT}docker-compose.yml`;

/** A secret a service mounts: by name (at /run/secrets/<name>) or at a path of its own. */
export type ServiceSecret = string | { source: string; target?: string };

/** A service of docker-compose.yml, in the forms that file writes it. */
export interface ComposeService {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  secrets?: ServiceSecret[];
  /** `source:target[:ro]`: a bind mount when the source starts with `.`, else a named volume. */
  volumes?: string[];
  /** `127.0.0.1:<host>:<container>` */
  ports?: string[];
  expose?: string[];
  healthcheck?: { test: string[] };
  /** How long `docker stop` waits after SIGTERM before SIGKILL, e.g. `20s`. */
  stop_grace_period?: string;
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
}

/** docker-compose.yml's top level: its services, secrets and named volumes. */
export interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets: Record<string, { file: string }>;
  volumes: Record<string, unknown>;
}

/** docker-compose.yml's text. */
export function readComposeText(): string {
  return readFileSync(COMPOSE_FILE, "utf8");
}

/** docker-compose.yml, parsed. */
export function readComposeFile(): ComposeFile {
  return parse(readComposeText()) as ComposeFile;
}

/** Where a secret is mounted in the service's container. */
export function secretTarget(secret: ServiceSecret): string {
  if (typeof secret === "string") return `/run/secrets/${secret}`;
  const target = secret.target ?? secret.source;
  return target.startsWith("/") ? target : `/run/secrets/${target}`;
}

/** The name of the compose secret a service mounts. */
export function secretSource(secret: ServiceSecret): string {
  return typeof secret === "string" ? secret : secret.source;
}

/** A service's bind mounts, as container path → path relative to the repository's root. */
export function bindMounts(service: ComposeService): Map<string, string> {
  const mounts = new Map<string, string>();
  for (const volume of service.volumes ?? []) {
    const [source = "", target = ""] = volume.split(":");
    if (source.startsWith(".")) mounts.set(target, source.replace(/^\.\/?/, ""));
  }
  return mounts;
}

/**
 * The file of the repository that a path in the service's container is, through its bind
 * mounts and secrets (relative to the repository's root); undefined when none holds it.
 */
export function repositoryPathOf(
  compose: ComposeFile,
  service: ComposeService,
  containerPath: string,
): string | undefined {
  for (const secret of service.secrets ?? []) {
    if (secretTarget(secret) === containerPath) {
      return compose.secrets[secretSource(secret)]?.file.replace(/^\.\//, "");
    }
  }
  const mounts = [...bindMounts(service)].sort(([a], [b]) => b.length - a.length);
  for (const [target, source] of mounts) {
    if (containerPath === target) return source;
    if (containerPath.startsWith(`${target}/`)) {
      return `${source}${containerPath.slice(target.length)}`.replace(/^\//, "");
    }
  }
  return undefined;
}
