using Xunit.Abstractions;

namespace AkkaSockets.Cli.Tests.Fetch;

/// <summary>Every malicious-server case again, over https:// (the same bytes behind a TLS front): same codes, same lines, no file.</summary>
public sealed class FetchMaliciousServerOverTlsSpecs(ITestOutputHelper output) : FetchMaliciousServerSpecs(output, overTls: true);
