# salon in a container: slim Python, a non-root user, `salon run` as the entry point.
#   docker build -t salon .
#   docker run --env-file salon.env -v ./deploy/salon.toml:/etc/salon/salon.toml:ro salon
# compose.yaml runs two workers on PostgreSQL; docs/deploy.md walks through it.
# scripts/check-dockerfile performs these steps in a fresh virtualenv (CI has no Docker).

FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY core core
COPY adapters adapters
COPY plugins plugins
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.12-slim
# The platforms to install (each an extra of salon); add charts for the chart images.
ARG SALON_EXTRAS=postgres,slack,telegram,matrix
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SALON_LOG_FORMAT=json \
    SALON_HEALTH_URL=http://127.0.0.1:8080/healthz
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/salon --create-home salon
COPY --from=build /wheels /wheels
RUN pip install "$(ls /wheels/salon-*.whl)[${SALON_EXTRAS}]" && rm -rf /wheels
WORKDIR /var/lib/salon
USER salon
# /healthz, /readyz and /metrics ([web] enabled = true, host = "0.0.0.0" in the config).
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(os.environ['SALON_HEALTH_URL'], timeout=4)"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["salon"]
CMD ["run", "--config", "/etc/salon/salon.toml"]
