using MechanicBuddy.DedicatedProvisioner.Extensions;
using MechanicBuddy.DedicatedProvisioner.Api;
using MechanicBuddy.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddDedicatedProvisioner();

var app = builder.Build();
app.MapServiceDefaults();
app.MapInventory();
app.LogPlatform();
await app.RunAsync();

public partial class Program;
