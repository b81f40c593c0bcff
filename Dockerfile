# One image for every Crossdock process: api, worker, beat, sandbox (see docker-compose.yml).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY gateway gateway
COPY edi_maps edi_maps
COPY erp_connector erp_connector
COPY celery_app.py ./
RUN pip install --no-cache-dir . && useradd --create-home crossdock && mkdir -p /data \
    && chown crossdock /data
USER crossdock
ENV CROSSDOCK_DATA_DIR=/data
EXPOSE 8000
CMD ["crossdock", "serve", "--host", "0.0.0.0", "--port", "8000"]
