using AkkaSockets.Actors.Client;
using AkkaSockets.Actors.Client.Distributed;
using HdrHistogram;

namespace AkkaSockets.Actors.Tests.Client.Distributed;

public sealed class HistogramMergeTests
{
    private static LongHistogram Recorded(IEnumerable<long> micros)
    {
        var histogram = new LongHistogram(LoadRecorder.HighestMicros, 3);
        foreach (var value in micros)
            histogram.RecordValue(value);
        return histogram;
    }

    private static void AssertSameCounts(HistogramBase expected, HistogramBase actual)
    {
        Assert.Equal(expected.TotalCount, actual.TotalCount);
        Assert.Equal(expected.GetMaxValue(), actual.GetMaxValue());
        var want = expected.RecordedValues().Select(v => (v.ValueIteratedTo, v.CountAtValueIteratedTo)).ToList();
        var got = actual.RecordedValues().Select(v => (v.ValueIteratedTo, v.CountAtValueIteratedTo)).ToList();
        Assert.Equal(want, got);
        foreach (var percentile in new[] { 50.0, 90, 99, 99.9, 99.99 })
            Assert.Equal(expected.GetValueAtPercentile(percentile), actual.GetValueAtPercentile(percentile));
    }

    [Fact]
    public void Three_workers_histograms_encoded_decoded_and_merged_equal_one_histogram_of_all_their_values()
    {
        var random = new Random(1234);
        var parts = Enumerable.Range(0, 3)
            .Select(w => Enumerable.Range(0, 20_000).Select(_ => (long)(1_000_000 + (random.NextDouble() * random.NextDouble() * 400_000 * (w + 1)))).ToList())
            .ToList();
        parts[2].Add(3_000_000_000);

        var merged = HistogramCodec.Merge(parts.Select(p => HistogramCodec.Decode(HistogramCodec.Encode(Recorded(p)))));

        AssertSameCounts(Recorded(parts.SelectMany(p => p)), merged);
    }

    [Fact]
    public void An_empty_histogram_survives_the_encoding_and_adds_nothing_to_a_merge()
    {
        var values = new long[] { 5, 999, 1_000_250 };

        var empty = HistogramCodec.Decode(HistogramCodec.Encode(Recorded([])));
        var merged = HistogramCodec.Merge([empty, HistogramCodec.Decode(HistogramCodec.Encode(Recorded(values)))]);

        Assert.Equal(0, empty.TotalCount);
        AssertSameCounts(Recorded(values), merged);
    }

    [Fact]
    public void The_encoding_is_compressed_well_below_the_histograms_footprint()
    {
        var histogram = Recorded(Enumerable.Range(0, 50_000).Select(i => 1_000_000L + (i % 5000)));

        var bytes = HistogramCodec.Encode(histogram);

        Assert.True(bytes.Length < histogram.GetEstimatedFootprintInBytes() / 10, $"{bytes.Length} bytes encoded of a {histogram.GetEstimatedFootprintInBytes()} byte histogram");
    }
}
