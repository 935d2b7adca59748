using NtkRepro.Pipeline.Experiments;
using NtkRepro.Tests.Infrastructure;
using Xunit;

namespace NtkRepro.Tests.Pipeline.Experiments;

[Tier(TestTier.Fast)]
public class InvocationLedgerTests
{
    private static Invocation At(int minute, double wall, int computed, int jobs = 2) =>
        new(new DateTimeOffset(2026, 12, 6, 7, minute, 0, TimeSpan.Zero), wall, jobs, 1, computed, 406 - computed, 0, "a CPU");

    [Fact]
    public void AppendedInvocationsReadBackInOrder()
    {
        var store = new ArtifactStore(TestData.TempDir("ledger"));
        Assert.Empty(InvocationLedger.Read(store.Root));
        InvocationLedger.Append(store, At(0, 4860, 365));
        InvocationLedger.Append(store, At(30, 750, 41));
        Assert.Equal([At(0, 4860, 365), At(30, 750, 41)], InvocationLedger.Read(store.Root));
    }

    [Fact]
    public void WallTimeSumsTheInvocationsThatComputedSteps()
    {
        // 81 min + 12.5 min of work; the invocation that only reused (a rerun for the report) adds nothing.
        var text = InvocationLedger.Describe([At(0, 4860, 365), At(30, 750, 41), At(45, 3, 0, jobs: 1)]);
        Assert.NotNull(text);
        Assert.StartsWith("1h33m over 2 invocation(s)", text);
        Assert.Contains("2 worker(s) × 1 thread(s)", text);
        Assert.DoesNotContain("1 worker(s)", text);
        Assert.Null(InvocationLedger.Describe([At(0, 3, 0)]));
        Assert.Null(InvocationLedger.Describe([]));
    }

    [Fact]
    public void AnInvocationKilledHalfwayStillCountsWhatItDidUpToItsLastRecord()
    {
        var store = new ArtifactStore(TestData.TempDir("ledger-killed"));
        var killed = InvocationLedger.Begin(store, At(0, 0, 0));
        killed.Update(At(0, 9660, 164)); // then the process dies: no End
        var rerun = InvocationLedger.Begin(store, At(50, 0, 0));
        Assert.Equal([At(0, 9660, 164) with { Finished = false }, At(50, 0, 0) with { Finished = false }], InvocationLedger.Read(store.Root));
        rerun.End(At(50, 3030, 252));
        var ledger = InvocationLedger.Read(store.Root);
        Assert.Equal([At(0, 9660, 164) with { Finished = false }, At(50, 3030, 252)], ledger);
        Assert.Single(File.ReadAllLines(InvocationLedger.PathIn(store.Root)));
        Assert.Single(Directory.GetFiles(Path.Combine(store.Root, InvocationLedger.RunningFolder)));
        var text = InvocationLedger.Describe(ledger)!;
        Assert.StartsWith("3h31m over 2 invocation(s) that computed steps (2h41m for 164 steps, unfinished: killed or still running, counted up to its last record", text);
        Assert.Contains(" + 50m30s for 252 steps)", text);
        Assert.Contains("unfinished", InvocationLedger.Describe([At(0, 60, 1) with { Finished = false }]));
    }

    [Fact]
    public void ALineWrittenBeforeUnfinishedInvocationsWereRecordedReadsAsFinished()
    {
        var store = new ArtifactStore(TestData.TempDir("ledger-old"));
        Directory.CreateDirectory(Path.GetDirectoryName(InvocationLedger.PathIn(store.Root))!);
        File.WriteAllText(InvocationLedger.PathIn(store.Root),
            "{\"started\":\"2026-12-06T07:00:00+00:00\",\"wallSeconds\":10,\"jobs\":2,\"threadsPerStep\":1,\"computed\":3,\"reused\":0,\"failed\":0,\"machine\":\"a CPU\"}\n");
        Assert.True(Assert.Single(InvocationLedger.Read(store.Root)).Finished);
    }

    [Fact]
    public void AMalformedLineIsAnErrorNamingTheFileAndLine()
    {
        var store = new ArtifactStore(TestData.TempDir("ledger-bad"));
        InvocationLedger.Append(store, At(0, 10, 3));
        File.AppendAllText(InvocationLedger.PathIn(store.Root), "{ not json\n");
        var e = Assert.Throws<InvalidDataException>(() => InvocationLedger.Read(store.Root));
        Assert.Contains(InvocationLedger.PathIn(store.Root) + " line 2", e.Message);
    }
}
