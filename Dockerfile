# The mock in a container: Python 3.11 (Spyne 2.14 needs it), served on 0.0.0.0:8080.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY mock_server ./mock_server
COPY client ./client
COPY wsdl ./wsdl
RUN pip install --no-cache-dir .
EXPOSE 8080
CMD ["nmbrs-mock", "serve", "--host", "0.0.0.0", "--port", "8080"]
