using MechanicBuddy.TenantRegistry.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddTenantRegistry();

var app = builder.Build();
await app.UseTenantRegistryAsync();
await app.RunAsync();

public partial class Program;
