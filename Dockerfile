# Backrooms container image.
#   docker build -t backrooms .
#   docker run -p 3000:3000 -v backrooms-data:/data backrooms
# Build stage: the same toolchain recipe as the Makefile (wasm target,
# cargo-leptos, wasm-bindgen CLI matching Cargo.lock, wasm-opt 123 from npm).
FROM rust:1.95-bookworm AS build
RUN rustup target add wasm32-unknown-unknown \
 && cargo install cargo-leptos --version 0.3.11 --locked --ignore-rust-version \
 && cargo install wasm-bindgen-cli --version 0.2.130
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm libpq-dev \
 && npm install -g binaryen@123.0.0 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo leptos build --release \
    && target/release/backrooms precompress target/site/pkg

# Runtime stage: the binary, the site files, nothing else. SQLite is
# compiled into the binary, libpq talks to PostgreSQL when one is set; TLS
# roots are needed to reach LLM providers.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libpq5 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin backrooms \
 && mkdir -p /data \
 && chown backrooms:backrooms /data
WORKDIR /app
COPY --from=build /src/target/release/backrooms /app/backrooms
# Names the content-hashed pkg/ files; read from beside the binary.
COPY --from=build /src/target/release/hash.txt /app/hash.txt
COPY --from=build /src/target/site /app/site
ENV LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_HASH_FILES=true \
    BACKROOMS_DATA_DIR=/data \
    BACKROOMS_ADDR=0.0.0.0:3000 \
    RUST_LOG=info,tower_http=warn
VOLUME ["/data"]
EXPOSE 3000
USER backrooms
# `backrooms healthcheck` asks GET /healthz on BACKROOMS_ADDR (no curl needed).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/app/backrooms", "healthcheck"]
CMD ["/app/backrooms"]
