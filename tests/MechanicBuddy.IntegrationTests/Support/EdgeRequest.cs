namespace MechanicBuddy.IntegrationTests.Support;

/// <summary>A request to the test nginx for a tenant host, on a fresh connection (a kept-alive one may still reach pre-reload workers).</summary>
public static class EdgeRequest
{
    public static HttpRequestMessage Get(string host, string path = "/")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{TestEnvironment.NginxPort}{path}");
        request.Headers.Host = host;
        request.Headers.ConnectionClose = true;
        return request;
    }
}
