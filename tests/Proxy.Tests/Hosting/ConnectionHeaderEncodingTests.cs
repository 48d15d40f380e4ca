using System.Text;
using OrleansCoord.Proxy.Hosting;

namespace OrleansCoord.Proxy.Tests.Hosting;

/// <summary>How Kestrel gets a Connection value: as sent when it names no header; otherwise without a lone option that
/// Kestrel would put in the value's place (the end-to-end cases are in Conformance/RequestFramingTests).</summary>
public sealed class ConnectionHeaderEncodingTests
{
    [Theory]
    [InlineData("keep-alive", "keep-alive")]
    [InlineData("close", "close")]
    [InlineData("Upgrade", "Upgrade")]
    [InlineData("keep-alive, Upgrade", "keep-alive, Upgrade")]
    [InlineData("keep-alive, X-Secret", "X-Secret")]
    [InlineData("X-Secret,\tKeep-Alive , x-other", "X-Secret, x-other")]
    [InlineData("close, X-Secret", "close, X-Secret, keep-alive")]
    [InlineData("Upgrade, X-Secret", "Upgrade, X-Secret, keep-alive")]
    [InlineData("X-Secret", "X-Secret")]
    [InlineData(",, X-Secret ,", "X-Secret")]
    public void Decode_NamesStay_NoLoneOptionWithThem(string value, string decoded)
    {
        Assert.Equal(decoded, ConnectionHeaderEncoding.Instance.GetString(Encoding.ASCII.GetBytes(value)));
        Assert.Equal(decoded, ConnectionHeaderEncoding.Decode(Encoding.ASCII.GetBytes(decoded))); // decoding again changes nothing
    }

    [Theory]
    [InlineData(new byte[] { (byte)'a', 0xC3, 0xA9 })]
    [InlineData(new byte[] { (byte)'a', 0 })]
    public void Decode_BytesKestrelRefuses_Throw(byte[] value) =>
        Assert.Throws<DecoderFallbackException>(() => ConnectionHeaderEncoding.Instance.GetString(value));

    [Fact]
    public void Select_ContentLengthAndConnectionOnly()
    {
        Assert.Same(StrictContentLength.Instance, RequestHeaderDecoding.Select("Content-Length"));
        Assert.Same(ConnectionHeaderEncoding.Instance, RequestHeaderDecoding.Select("Connection"));
        Assert.Null(RequestHeaderDecoding.Select("X-Secret"));
    }
}
