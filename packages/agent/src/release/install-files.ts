/*
 * The install script and service unit shipped in every Local Agent package. Layout on the site's Linux server:
 *   /opt/tutti-agent/versions/<version>/   one directory per installed version
 *   /opt/tutti-agent/current               symlink to the running version (self-updates switch it atomically)
 *   /etc/tutti-agent/config.json           the agent's configuration (kept across updates)
 *   /var/lib/tutti-agent/                  outbox, credentials key, settings
 */

export function installScript(version: string): string {
  return `#!/bin/sh
# Installs Tutti Local Agent ${version} as a systemd service. Run as root from the unpacked package:
#   sudo ./install.sh --hub https://hub.example.com --name <server name> [--organization <account number>]
# The agent password is read from the TUTTI_AGENT_PASSWORD environment variable or asked for.
set -eu

PREFIX=/opt/tutti-agent
CONFIG_DIR=/etc/tutti-agent
DATA_DIR=/var/lib/tutti-agent
VERSION=${version}
HUB=""
NAME=""
ORGANIZATION=""

while [ $# -gt 0 ]; do
  case "$1" in
    --hub) HUB="$2"; shift 2 ;;
    --name) NAME="$2"; shift 2 ;;
    --organization) ORGANIZATION="$2"; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

command -v node >/dev/null 2>&1 || { echo "Node.js 20 is required (https://nodejs.org)." >&2; exit 1; }
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \\
  || { echo "Node.js 20 or newer is required." >&2; exit 1; }

id tutti-agent >/dev/null 2>&1 || useradd --system --home-dir "$DATA_DIR" --shell /usr/sbin/nologin tutti-agent
mkdir -p "$PREFIX/versions/$VERSION" "$CONFIG_DIR" "$DATA_DIR"
cp -R tutti-agent.mjs node_modules VERSION "$PREFIX/versions/$VERSION/"
ln -sfn "versions/$VERSION" "$PREFIX/current"
chown -R tutti-agent: "$PREFIX" "$DATA_DIR"

if [ ! -f "$CONFIG_DIR/config.json" ]; then
  if [ -z "$HUB" ] || [ -z "$NAME" ]; then
    echo "First install: give --hub and --name (the server account created under Servers > Add Server)." >&2
    exit 2
  fi
  if [ -z "\${TUTTI_AGENT_PASSWORD:-}" ]; then
    printf 'Password of server account %s: ' "$NAME"
    stty -echo 2>/dev/null || true
    read -r TUTTI_AGENT_PASSWORD
    stty echo 2>/dev/null || true
    echo
  fi
  HUB="$HUB" NAME="$NAME" ORGANIZATION="$ORGANIZATION" PASSWORD="$TUTTI_AGENT_PASSWORD" DATA_DIR="$DATA_DIR" \\
    PREFIX="$PREFIX" node -e '
      const hub = { url: process.env.HUB, agentName: process.env.NAME, password: process.env.PASSWORD };
      if (process.env.ORGANIZATION) hub.organization = process.env.ORGANIZATION;
      const config = {
        dataDir: process.env.DATA_DIR,
        uiHost: "127.0.0.1",
        hub,
        selfUpdate: { mode: "automatic", installDir: process.env.PREFIX, trustedKeys: [] },
      };
      process.stdout.write(JSON.stringify(config, null, 2) + "\\n");
    ' > "$CONFIG_DIR/config.json"
  chmod 600 "$CONFIG_DIR/config.json"
  chown tutti-agent: "$CONFIG_DIR/config.json"
  echo "Wrote $CONFIG_DIR/config.json. Add the hub's package key to selfUpdate.trustedKeys to allow self-updates."
fi

node "$PREFIX/current/tutti-agent.mjs" --config "$CONFIG_DIR/config.json" --check
cp tutti-agent.service /etc/systemd/system/tutti-agent.service
systemctl daemon-reload
systemctl enable --now tutti-agent.service
systemctl restart tutti-agent.service
echo "Tutti Local Agent $VERSION is running. Its page: http://127.0.0.1:8090 on this server."
`;
}

export function serviceUnit(): string {
  return `[Unit]
Description=Tutti Local Agent
After=network-online.target
Wants=network-online.target

[Service]
User=tutti-agent
ExecStart=/usr/bin/env node /opt/tutti-agent/current/tutti-agent.mjs --config /etc/tutti-agent/config.json
# A self-update installs the new version, then the agent exits: systemd starts the new one.
Restart=always
RestartSec=2
NoNewPrivileges=true
ProtectSystem=full
ReadWritePaths=/opt/tutti-agent /var/lib/tutti-agent

[Install]
WantedBy=multi-user.target
`;
}
