import { spawn } from "node:child_process";
import { cp, mkdir, readdir } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, join, posix } from "node:path";
import { TEST_PATH } from "@tracemesh/testing";
import { REPO_ROOT } from "../config-files.ts";
import {
  assignments,
  type Dockerfile,
  execForm,
  expandVariables,
  type Instruction,
  readDockerfile,
  type Stage,
  stageNamed,
} from "./dockerfile.ts";
import {
  type DockerignoreRule,
  isExcluded,
  mayIncludeBelow,
  readDockerignore,
} from "./dockerignore.ts";

/** What the production stage holds and how the image starts, replayed on this machine. */
export interface ProductionFileSet {
  /** The stage's filesystem: its `/app` is `<root>/app`. */
  root: string;
  /** WORKDIR, on this machine. */
  workdir: string;
  /** ENV, build arguments filled in. */
  env: Record<string, string>;
  /** CMD, exec form. */
  command: string[];
  /** HEALTHCHECK's command, shell form. */
  healthcheck: string;
  /** USER: whom the service runs as. */
  user: string;
  /** What the replayed RUN commands printed. */
  log: string;
}

interface StageState {
  root: string;
  workdir: string;
  env: Record<string, string>;
  args: Record<string, string>;
}

/** Files of the build context, as the builder gets them: relative paths .dockerignore keeps. */
async function contextFiles(rules: DockerignoreRule[], folder = ""): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(join(REPO_ROOT, folder), { withFileTypes: true })) {
    const path = folder === "" ? entry.name : `${folder}/${entry.name}`;
    if (entry.isDirectory()) {
      if (isExcluded(rules, path) && !mayIncludeBelow(rules, path)) continue;
      files.push(...(await contextFiles(rules, path)));
    } else if (!isExcluded(rules, path)) {
      files.push(path);
    }
  }
  return files;
}

function run(command: string, cwd: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    // HOME: where pnpm keeps its store and corepack its pnpm, as the workspace's install left them.
    const child = spawn("/bin/sh", ["-c", command], {
      cwd,
      env: { PATH: TEST_PATH, HOME: homedir(), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    for (const stream of [child.stdout, child.stderr]) {
      stream.on("data", (chunk: Buffer) => {
        output += chunk.toString("utf8");
      });
    }
    child.on("close", (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`RUN ${command}\nexited ${code}:\n${output}`));
    });
  });
}

/** The stages a stage is built on, the first FROM an image, in build order. */
function chain(dockerfile: Dockerfile, name: string): Stage[] {
  const stage = stageNamed(dockerfile, name);
  const parent = dockerfile.stages.find((each) => each.name === stage.from);
  return parent ? [...chain(dockerfile, parent.name), stage] : [stage];
}

// COPY's last argument is the destination, a folder when it ends with `/`; a folder's contents
// are copied, links as links. From the context, `.` is every file the builder got.
async function copy(
  instruction: Instruction,
  state: StageState,
  from: { root: string; files?: string[] },
): Promise<void> {
  const paths = expandVariables(instruction.args, { ...state.args, ...state.env }).split(/\s+/);
  const target = paths.pop() ?? "";
  const destination = posix.resolve(state.workdir, target);
  const options = { recursive: true, verbatimSymlinks: true, force: true };
  for (const source of paths) {
    if (from.files === undefined) {
      await cp(join(from.root, source), join(state.root, destination), options);
      continue;
    }
    const selected = from.files.filter((file) => source === "." || file === source);
    if (selected.length === 0) throw new Error(`COPY ${source}: not in the build context`);
    for (const file of selected) {
      const into = target.endsWith("/") ? join(destination, basename(file)) : destination;
      await cp(
        join(from.root, file),
        join(state.root, source === "." ? join(destination, file) : into),
      );
    }
  }
}

interface ReplayOptions {
  buildArgs: Record<string, string>;
  /** The build context's files. */
  context: string[];
  /** Stages replayed so far: name → their filesystem here. */
  stages: Map<string, string>;
  /** What each replayed RUN printed. */
  log: string[];
}

async function replay(
  stage: Stage,
  state: StageState,
  options: ReplayOptions,
  runCommands: boolean,
): Promise<{ command: string[]; healthcheck: string; user: string }> {
  const image = { command: [] as string[], healthcheck: "", user: "root" };
  state.args = {};
  for (const instruction of stage.instructions) {
    const values = { ...state.args, ...state.env };
    switch (instruction.keyword) {
      case "ARG":
        for (const [name, fallback] of assignments(instruction.args)) {
          state.args[name] = options.buildArgs[name] ?? fallback ?? "";
        }
        break;
      case "ENV":
        for (const [name, value] of assignments(instruction.args)) {
          state.env[name] = expandVariables(value ?? "", values);
        }
        break;
      case "WORKDIR":
        state.workdir = posix.resolve(state.workdir, expandVariables(instruction.args, values));
        await mkdir(join(state.root, state.workdir), { recursive: true });
        break;
      case "COPY": {
        const from = instruction.flags.from;
        const root = from === undefined ? REPO_ROOT : options.stages.get(from);
        if (root === undefined) throw new Error(`COPY --from=${from}: stage not replayed`);
        await copy(instruction, state, { root, ...(from ? {} : { files: options.context }) });
        break;
      }
      case "RUN":
        // The stages before the one the image copies from set up pnpm and fill its store: this
        // machine has both from the workspace's own install, so only that stage's RUNs replay.
        if (runCommands) {
          const cwd = join(state.root, state.workdir);
          options.log.push(await run(instruction.args, cwd, { ...state.args, ...state.env }));
        }
        break;
      case "CMD":
        image.command = execForm(instruction.args);
        break;
      case "HEALTHCHECK":
        image.healthcheck = instruction.args.replace(/^CMD\s+/, "");
        break;
      case "USER":
        image.user = expandVariables(instruction.args, values);
        break;
      case "EXPOSE":
      case "LABEL":
        break;
      default:
        throw new Error(`${instruction.keyword} is not replayed: teach replay-build.ts`);
    }
  }
  return image;
}

/**
 * Builds the production stage's files the way the Dockerfile does, under `dir`: the context
 * filtered by .dockerignore, the RUN commands of the stage the production stage copies from
 * (pnpm from the machine, offline from its store), then the production stage's copies.
 */
export async function buildProductionFileSet(
  buildArgs: Record<string, string>,
  dir: string,
): Promise<ProductionFileSet> {
  const dockerfile = readDockerfile();
  const context = await contextFiles(readDockerignore(`${REPO_ROOT}.dockerignore`));
  const production = dockerfile.stages.at(-1);
  if (!production) throw new Error("the Dockerfile has no stage");
  const sources = new Set(production.instructions.flatMap((each) => each.flags.from ?? []));
  const options: ReplayOptions = { buildArgs, context, stages: new Map(), log: [] };
  for (const source of sources) {
    const state: StageState = { root: join(dir, source), workdir: "/", env: {}, args: {} };
    const built = chain(dockerfile, source);
    for (const stage of built) {
      await replay(stage, state, options, stage === built.at(-1));
    }
    options.stages.set(source, state.root);
  }
  const state: StageState = { root: join(dir, production.name), workdir: "/", env: {}, args: {} };
  const image = await replay(production, state, options, true);
  const workdir = join(state.root, state.workdir);
  return { root: state.root, workdir, env: state.env, ...image, log: options.log.join("\n") };
}
