# syntax=docker/dockerfile:1
# The federation node: every service in one process on the embedded SQLite stores
# (`npm start` in a container). Build from the repository root:
#   docker build -f infra/docker/node.Dockerfile -t kopfed/node .
# Configured only through environment variables: see apps/node/src/config.ts and the README.
ARG NODE_IMAGE=node:20-bookworm-slim

# The package manifests alone, so the dependency layer is rebuilt only when they change.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json ! -name .npmrc -delete \
 && find . -type d -empty -delete

# Production dependencies of the node (every service) and of the CLI (`kopfed …`).
FROM ${NODE_IMAGE} AS deps
# better-sqlite3 compiles its addon when no prebuilt binary matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=manifests /src ./
COPY infra/docker/prune-node-modules.sh /usr/local/bin/prune-node-modules
RUN npm ci --omit=dev --workspace @kopfed/node --workspace @kopfed/cli \
 && npm cache clean --force \
 && sh /usr/local/bin/prune-node-modules /app

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    KOPFED_DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app ./
COPY tsconfig.json tsconfig.base.json ./
COPY contracts ./contracts
COPY packages ./packages
COPY apps/cli ./apps/cli
COPY apps/node ./apps/node
COPY services ./services
# Sources stay root-owned and read-only to the node; only /data (the SQLite stores) is writable.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "apps/node/src/main.ts"]
