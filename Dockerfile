# The image Fly.io builds (fly.toml [build]). Heroku and Render build from the same uv.lock and
# .python-version with their own Python support; all three run the Procfile's command.
# tests/deploy/test_platform_files.py keeps the versions and the command in step with those files.
ARG PYTHON_VERSION=3.11
FROM python:${PYTHON_VERSION}-slim

# The uv of the Makefile and render.yaml, from PyPI.
ARG UV_VERSION=0.12.5
ENV PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH=/app/.venv/bin:$PATH
WORKDIR /app
RUN pip install --no-cache-dir "uv==${UV_VERSION}"

# The locked runtime dependencies (no dev extra), in a layer of their own that only a new lock rebuilds.
# The app itself runs from /app as the source tree, so it needs no install step.
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --locked --no-install-project --no-cache --python /usr/local/bin/python

COPY . .
RUN python -m compileall -q bot commands && useradd --create-home --uid 10001 wallet
USER wallet
CMD ["python", "-m", "bot", "serve"]
