using MechanicBuddy.DedicatedProvisioner.Extensions;
using MechanicBuddy.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddDedicatedProvisioner();

var app = builder.Build();
app.MapServiceDefaults();
app.LogPlatform();
await app.RunAsync();

public partial class Program;
