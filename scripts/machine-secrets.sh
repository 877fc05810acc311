# Sourced by the scripts: secrets made once per machine (per $VAR) and kept there with mode 600. Nothing the project
# ships is a usable secret; the services refuse known placeholders in Production.
machine_secret() {
  local file=$VAR/secrets.d/$1
  if [ ! -s "$file" ]; then
    mkdir -p "$VAR/secrets.d"
    chmod 700 "$VAR/secrets.d"
    (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n/+=' > "$file")
  fi
  cat "$file"
}
