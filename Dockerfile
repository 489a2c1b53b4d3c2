# wirewatch image: one image, every stage (`wirewatch db upgrade|produce|consume|notify|run`).
#   docker build -t wirewatch:local .
#   docker run --rm wirewatch:local --help
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

RUN groupadd --system --gid 10001 wirewatch \
 && useradd --system --uid 10001 --gid wirewatch --home-dir /app --no-create-home \
            --shell /usr/sbin/nologin wirewatch

# Dependency layer: only rebuilt when pyproject.toml or constraints.txt change.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project'].get('dependencies', [])))" \
        > /tmp/requirements.txt \
 && pip install -c constraints.txt -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# Application code, configuration and sample wire items.
# (README*/LICENSE* are optional: the glob may match nothing, pyproject.toml always matches.)
COPY pyproject.toml README* LICENSE* ./
COPY wirewatch/ wirewatch/
COPY producers/ producers/
COPY consumers/ consumers/
COPY schemas/ schemas/
COPY config/ config/
COPY samples/ samples/
RUN pip install -c constraints.txt . \
 && rm -rf build *.egg-info

# Installed into site-packages, so point Settings at the copied config explicitly.
ENV WIREWATCH_TOPICS_FILE=/app/config/topics.yaml \
    WIREWATCH_WATCHLIST_FILE=/app/config/watchlist.yaml \
    WIREWATCH_PARTIES_DIR=/app/config/parties \
    WIREWATCH_STACK_DIR=/tmp/wirewatch-stack \
    WIREWATCH_HEARTBEAT_DIR=/tmp/wirewatch-heartbeats

USER wirewatch

ENTRYPOINT ["wirewatch"]
CMD ["run"]
