# One image for everything in docker-compose.yml: the replayguard CLI (the default entrypoint) and the
# bundled demo API (entrypoint overridden to dist/examples/demo-api/server.js).

FROM node:20-bookworm-slim AS build
# better-sqlite3 falls back to compiling from source when no prebuilt binary matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the root `prepare` script runs tsc, and the sources are not copied yet (copying them
# first would reinstall every dependency on each source change). better-sqlite3 is the only dependency
# with an install script, so it is rebuilt explicitly.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY . .
RUN npm run build \
 && npm prune --omit=dev \
 && mkdir -p schema

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Always present (possibly empty) because the build stage creates it.
COPY --from=build /app/schema ./schema
# Mount points for the recordings database and the replay output, writable by the unprivileged user.
RUN mkdir -p /data /out && chown node:node /data /out
USER node
EXPOSE 8080 3000
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["--help"]
