# syntax=docker/dockerfile:1

# One Dockerfile for the three services. Each image is built with the service's name and ports,
# as docker-compose.yml does:
#
#   docker build --build-arg SERVICE=auth --build-arg PORT=8081 --build-arg METRICS_PORT=9465 .
#
# The services run their TypeScript as it is (Node strips the types), and Node refuses to strip
# types under node_modules: a `pnpm deploy` copy, which puts the workspace packages there, cannot
# start. So the production stage holds a small workspace instead: the root manifests and lockfile,
# the service's folder and the workspace packages it needs at run time, at their own paths,
# installed with --prod so that the workspace packages stay links to those folders.
# observability/src/dockerfile/ replays the `workspace` stage and starts each service from it.

# The Node of the root package.json's `node` devDependency, which runs every pnpm script too.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS pnpm
ENV COREPACK_ENABLE_DOWNLOAD_PROMPT=0
WORKDIR /build
COPY package.json ./
# The pnpm that package.json's packageManager names, checked against its hash by corepack.
RUN corepack enable && corepack install

FROM pnpm AS store
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
# Every production package of the lockfile into pnpm's store, downloaded once and cached until
# the lockfile changes. --prod leaves the devDependencies out, the `node` binary among them.
RUN pnpm fetch --prod

FROM store AS workspace
ARG SERVICE
COPY . source/
# The service and the workspace packages its dependencies reach (devDependencies left out).
RUN test -f "source/services/$SERVICE/package.json" \
  || { echo "build with --build-arg SERVICE=todo-api, auth or notifier" >&2; exit 1; }
RUN mkdir workspace \
  && cp source/package.json source/pnpm-lock.yaml source/pnpm-workspace.yaml workspace/ \
  && cd source \
  && pnpm --filter-prod "@tracemesh/$SERVICE..." list --depth -1 --parseable \
  | sed "s|^$PWD/||" | xargs tar -cf - | tar -xf - -C ../workspace
WORKDIR /build/workspace
RUN pnpm install --prod --frozen-lockfile --offline --filter "@tracemesh/$SERVICE..."
# Where a service may keep local state (todo-api's PGlite when there is no DATABASE_URL).
RUN mkdir "services/$SERVICE/.data"

FROM ${NODE_IMAGE} AS production
ARG SERVICE
ARG PORT
ARG METRICS_PORT
# What `pnpm --filter @tracemesh/<service> start` sets, for the preload and the service.
ENV PORT=${PORT} METRICS_PORT=${METRICS_PORT} OTEL_SERVICE_NAME=${SERVICE}
# The code belongs to root, so the service cannot change it; only .data is the node user's.
COPY --from=workspace /build/workspace /app
COPY --from=workspace --chown=node:node /build/workspace/services/${SERVICE}/.data /app/services/${SERVICE}/.data
WORKDIR /app/services/${SERVICE}
USER node
EXPOSE ${PORT} ${METRICS_PORT}
# The image has no curl: Node's fetch asks the service whether it can serve.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + process.env.PORT + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "--import", "@tracemesh/telemetry/preload", "src/main.ts"]
