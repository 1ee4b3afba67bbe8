# The worker image: slim, non-root, the service's wheel and nothing else.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY cleaner ./cleaner
COPY workers ./workers
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1
RUN useradd --create-home --uid 10001 cleaner
COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl && rm -rf /wheels
USER cleaner
WORKDIR /home/cleaner
# Exec form, so celery is PID 1 and receives SIGTERM (docker-compose overrides
# nothing but the environment).
CMD ["celery", "--app=workers.celery", "worker", "--loglevel=INFO", "--without-mingle", "--without-gossip"]
