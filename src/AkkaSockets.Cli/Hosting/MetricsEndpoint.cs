using System.Net;
using AkkaSockets.Actors.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace AkkaSockets.Cli.Hosting;

/// <summary>
/// <c>--metrics-port P</c>: the server's meter in Prometheus text at <c>http://HOST:P/metrics</c>,
/// through OpenTelemetry's Prometheus exporter. HOST is the server's own bind address, so a server
/// on loopback keeps its metrics on loopback too; <c>::</c> and <c>0.0.0.0</c> serve every interface.
/// </summary>
internal static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static void AddPrometheusEndpoint(this IServiceCollection services, string host, int port) =>
        services.AddOpenTelemetry()
            // target_info's service_name: "akkasockets" rather than OpenTelemetry's "unknown_service:akkasockets".
            .ConfigureResource(resource => resource.AddService("akkasockets", serviceVersion: typeof(MetricsEndpoint).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics => metrics
            .AddMeter(ServerMetrics.MeterName)
            .AddPrometheusHttpListener(options =>
            {
                options.Port = port;
                options.ScrapeEndpointPath = Path;
                options.Host = HostForPrefix(host);
                if (IsWildcard(host))
                {
                    options.ConfigureHttpListener = static (o, listener) =>
                    {
                        listener.Prefixes.Clear();
                        listener.Prefixes.Add($"http://+:{o.Port}{Path}/");
                    };
                }
            }));

    /// <summary>The URL a user scrapes, for the start-up line.</summary>
    public static string Url(string host, int port) =>
        $"http://{(IsWildcard(host) ? "localhost" : HostForPrefix(host))}:{port}{Path}";

    private static bool IsWildcard(string host) =>
        IPAddress.TryParse(host, out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any));

    private static string HostForPrefix(string host) =>
        IPAddress.TryParse(host, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{address}]"
            : host;
}
