# The app on every core of one machine, as `python -m deploy` serves it: one Streamlit process per
# core behind HAProxy (sticky sessions), on port 8501. One image per machine; for several machines,
# list their addresses as `server` lines in one HAProxy config (README: "Serve a class on every
# core"). Build and run:
#   docker build -t derivative-explorer .
#   docker run --rm -p 8501:8501 derivative-explorer
FROM python:3.11-slim

# HAProxy spreads new browsers over the processes and keeps each on its own (deploy/haproxy.cfg).
RUN apt-get update \
    && apt-get install -y --no-install-recommends haproxy \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN useradd --create-home explorer
USER explorer

EXPOSE 8501
# Every page is opened once on every process before the address is printed (deploy.replicas.warm).
# SIGTERM (docker stop) stops HAProxy and every Streamlit process by their PIDs.
CMD ["python", "-m", "deploy", "--bind", "0.0.0.0:8501"]
