using Xunit.Abstractions;

namespace AkkaSockets.Cli.Tests.Hardening;

/// <summary>Every malicious-server case again, over https:// (the same bytes behind a TLS front): same codes, same lines, no file.</summary>
public sealed class FetchMaliciousServerOverTlsTests(ITestOutputHelper output) : FetchMaliciousServerTests(output, overTls: true);
