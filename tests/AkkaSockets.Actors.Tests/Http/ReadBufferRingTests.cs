using AkkaSockets.Actors.Http;

namespace AkkaSockets.Actors.Tests.Http;

public sealed class ReadBufferRingTests
{
    /// <summary>What the reader does for one element read into a new array: rents it, then numbers the element.</summary>
    private static byte[] ReadOne(ReadBufferRing ring)
    {
        var array = ring.Rent();
        ring.Stamp(array);
        return array;
    }

    [Fact]
    public void An_array_is_not_handed_out_again_while_its_newest_element_may_still_be_written()
    {
        var ring = new ReadBufferRing(count: 2, size: 16);
        var first = ReadOne(ring); // element 0
        var second = ReadOne(ring); // element 1

        // Element 0 written: element 0 itself may still have slices to come, so nothing is free.
        ring.Written(first.AsSpan(0, 4));
        var third = ring.Rent();

        Assert.NotSame(first, third);
        Assert.NotSame(second, third);
        Assert.Equal(1, ring.Overflows);
    }

    [Fact]
    public void Writing_a_later_element_frees_every_array_whose_elements_came_before_it()
    {
        var ring = new ReadBufferRing(count: 2, size: 16);
        var first = ReadOne(ring); // element 0
        var second = ReadOne(ring); // element 1

        ring.Written(second.AsSpan(2, 3));

        Assert.Same(first, ring.Rent());
        Assert.Equal(0, ring.Overflows);
    }

    [Fact]
    public void An_array_that_took_a_later_element_stays_taken_until_that_element_is_passed()
    {
        var ring = new ReadBufferRing(count: 2, size: 16);
        var first = ReadOne(ring); // element 0, first half of the array
        ring.Stamp(first); // element 1, a read that completed later into the rest of it
        ReadOne(ring); // element 2

        // The sink writes element 0's slice: element 1 in the same array is not written yet.
        ring.Written(first.AsSpan(0, 8));
        Assert.NotSame(first, ring.Rent());

        var fresh = new ReadBufferRing(count: 2, size: 16);
        var a = ReadOne(fresh);
        fresh.Stamp(a);
        var b = ReadOne(fresh);
        fresh.Written(b.AsSpan(0, 1)); // element 2 written: elements 0 and 1 are done
        Assert.Same(a, fresh.Rent());
    }

    [Fact]
    public void Bytes_that_are_not_from_the_ring_free_nothing()
    {
        var ring = new ReadBufferRing(count: 1, size: 8);
        var only = ReadOne(ring);

        ring.Written(new byte[8]);

        Assert.NotSame(only, ring.Rent());
        Assert.Equal(1, ring.Overflows);
    }

    [Fact]
    public void Arrays_are_made_only_as_they_are_first_needed_and_have_the_ring_size()
    {
        var ring = new ReadBufferRing(count: 8, size: 32);

        var array = ring.Rent();

        Assert.Equal(32, array.Length);
        Assert.Equal(0, ring.Overflows);
    }
}
