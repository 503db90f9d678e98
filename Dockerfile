# syntax=docker/dockerfile:1
# Build stage: the Swift toolchain plus the C libraries' headers.
FROM swift:6.3-noble AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev libssl-dev zlib1g-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve dependencies in their own layer so source edits do not refetch them.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product embedded-api \
    && install -D "$(swift build -c release --show-bin-path)/embedded-api" /out/bin/embedded-api

# Runtime stage: only the shared libraries the binary links, a non-root user, and the files it reads.
FROM ubuntu:noble
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 libssl3t64 zlib1g ca-certificates curl tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin embedded-api
WORKDIR /app
COPY --from=build /out/bin/embedded-api /app/bin/embedded-api
COPY Migrations ./Migrations
COPY openapi/openapi.yaml ./openapi/openapi.yaml
USER embedded-api
ENV HOST=0.0.0.0 \
    PORT=8080 \
    EMBEDDED_API_HOME=/app \
    SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
# SIGTERM drains in-flight requests (SHUTDOWN_GRACE_MS) and exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/bin/embedded-api"]
CMD ["serve"]
