using MechanicBuddy.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);
if (builder.TryRunMintToken(args))
{
    return;
}
builder.AddGateway();

var app = builder.Build();
app.UseGateway();
await app.RunAsync();

public partial class Program;
