# syntax=docker/dockerfile:1
# The savings service alone, for the distributed deployment (infra/compose, infra/k8s).
# Build from the repository root:  docker build -f infra/docker/savings.Dockerfile -t kopfed/savings .
# Configured only through environment variables: see services/savings/src/config.ts.
ARG NODE_IMAGE=node:20-bookworm-slim

# The package manifests alone, so the dependency layer is rebuilt only when they change.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json ! -name .npmrc -delete \
 && find . -type d -empty -delete

# Production dependencies of this service and of the CLI (tsx, and `kopfed migrate`).
FROM ${NODE_IMAGE} AS deps
# better-sqlite3 compiles its addon when no prebuilt binary matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=manifests /src ./
COPY infra/docker/prune-node-modules.sh /usr/local/bin/prune-node-modules
RUN npm ci --omit=dev --workspace @kopfed/savings --workspace @kopfed/cli \
 && npm cache clean --force \
 && sh /usr/local/bin/prune-node-modules /app

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=8082 \
    KOPFED_DATA_DIR=/data \
    KOPFED_READ_MODELS_FILE=/data/savings-read-models.db
WORKDIR /app
COPY --from=deps /app ./
COPY tsconfig.json tsconfig.base.json ./
COPY contracts ./contracts
COPY packages ./packages
COPY apps/cli ./apps/cli
COPY services/savings ./services/savings
# Sources stay root-owned and read-only to the service; only /data is writable.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8082
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "services/savings/src/main.ts"]
