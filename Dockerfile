# The mock (and Locust, for the load-test master and workers) in a container: Python 3.11 (Spyne
# 2.14 needs it), installed with the README's own command. Served on 0.0.0.0:8080; a non-loopback
# address needs an admin token: run with -e NMBRS_MOCK_ADMIN_TOKEN=... (docker-compose.yml sets one).
# State: set NMBRS_STATE=/data/nmbrs.sqlite (and mount a volume on /data) to keep it across restarts.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY wsdl ./wsdl
COPY client ./client
COPY mock_server ./mock_server
COPY loadtests ./loadtests
RUN pip install --no-cache-dir -e '.[dev]'
ENV NMBRS_STATE=""
EXPOSE 8080 8089
CMD ["sh", "-c", "exec nmbrs-mock serve --host 0.0.0.0 --port 8080 ${NMBRS_STATE:+--state \"$NMBRS_STATE\"}"]
