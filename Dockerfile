# One image per service: docker build --build-arg SERVICE=Gateway -t mechanicbuddy/gateway .
# (SERVICE is one of Gateway, TenantRegistry, SharedTierProvisioner, DedicatedProvisioner.)
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG SERVICE
WORKDIR /src
COPY . .
RUN dotnet publish "services/${SERVICE}/MechanicBuddy.${SERVICE}.csproj" -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG SERVICE
# The DedicatedProvisioner runs helm (Kubernetes platform) or initdb/pg_ctl (single-host platform).
RUN if [ "$SERVICE" = "DedicatedProvisioner" ]; then \
      apt-get update && apt-get install -y --no-install-recommends postgresql-15 curl ca-certificates && \
      curl -fsSL https://get.helm.sh/helm-v3.16.4-linux-amd64.tar.gz | tar -xz -C /usr/local/bin --strip-components=1 linux-amd64/helm && \
      rm -rf /var/lib/apt/lists/*; \
    fi
WORKDIR /app
COPY --from=build /app .
COPY k8s/charts /app/charts
ENV SERVICE_DLL=MechanicBuddy.${SERVICE}.dll ASPNETCORE_URLS=http://+:8080
# The state directories docker-compose mounts volumes on, the app user's: a named volume starts as a copy of them.
RUN mkdir -p /var/lib/mechanicbuddy/secrets /var/lib/mechanicbuddy/dedicated-secrets /var/lib/mechanicbuddy/tenants /var/lib/mechanicbuddy/inbox \
    && chown -R app:app /var/lib/mechanicbuddy
USER app
EXPOSE 8080
ENTRYPOINT ["sh", "-c", "exec dotnet \"$SERVICE_DLL\""]
