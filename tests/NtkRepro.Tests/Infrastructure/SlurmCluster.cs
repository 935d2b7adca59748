using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NtkRepro.Tests.Infrastructure;

/// <summary>
/// A single-node Slurm cluster for the Cluster tier: Debian's slurm-wlm and munge (installed with
/// apt-get where missing), a generated slurm.conf in a temporary folder, munged, slurmctld and
/// slurmd started here and stopped on dispose. Where the machine cannot host one (not root, no
/// package and no apt-get, a daemon that does not come up) <see cref="SkipReason"/> says why.
/// Client commands (sbatch, squeue, scontrol, scancel) reach it through <see cref="Environment"/>.
/// </summary>
public sealed class SlurmCluster : IDisposable
{
    private readonly List<string> _pidFiles = [];

    public string Folder { get; } = TestData.TempDir("slurm-cluster");
    public string? SkipReason { get; }
    public string NodeName { get; } = Dns.GetHostName().Split('.')[0];
    public string ConfPath => Path.Combine(Folder, "slurm.conf");

    /// <summary>What a client command needs to reach this cluster.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["SLURM_CONF"] = ConfPath };

    public SlurmCluster()
    {
        try
        {
            SkipReason = Start();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            SkipReason = $"could not start a single-node Slurm: {e.Message}\n{Logs()}";
        }
    }

    private string? Start()
    {
        if (!OperatingSystem.IsLinux()) return "needs Linux for Slurm";
        if (Run("id", ["-u"]).Output.Trim() != "0") return "needs root to start Slurm's daemons (slurmd runs jobs as their users)";
        if (!File.Exists("/usr/sbin/slurmctld") || !File.Exists("/usr/sbin/munged"))
        {
            if (!File.Exists("/usr/bin/apt-get")) return "needs slurm-wlm and munge (not installed, and no apt-get to install them)";
            var install = Run("/bin/sh", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge"], TimeSpan.FromMinutes(10));
            if (install.Code != 0) return $"needs slurm-wlm and munge: apt-get install failed (exit {install.Code}): {Last(install.Output, 400)}";
        }
        foreach (var d in new[] { "state", "spool", "log" }) Directory.CreateDirectory(Path.Combine(Folder, d));
        var key = Path.Combine(Folder, "munge.key");
        File.WriteAllBytes(key, System.Security.Cryptography.RandomNumberGenerator.GetBytes(1024));
        File.SetUnixFileMode(key, UnixFileMode.UserRead);
        File.WriteAllText(ConfPath, Conf(FreePort(), FreePort()));
        Daemon("munged", "--force", $"--socket={Path.Combine(Folder, "munge.socket")}", $"--key-file={key}",
            $"--log-file={Path.Combine(Folder, "log", "munged.log")}", $"--pid-file={PidFile("munged")}", $"--seed-file={Path.Combine(Folder, "munge.seed")}");
        Daemon("slurmctld", "-i", "-f", ConfPath);
        Daemon("slurmd", "-f", ConfPath, "-N", NodeName);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var state = Client("sinfo", "-h", "-o", "%T");
            if (state.Code == 0 && state.Output.Trim() == "idle") return null;
            Thread.Sleep(500);
        }
        return $"the single-node Slurm did not come up within 60 s (sinfo: {Client("sinfo", "-h").Output.Trim()})\n{Logs()}";
    }

    private string Conf(int controllerPort, int nodePort)
    {
        string F(string name) => Path.Combine(Folder, name);
        return $"""
            ClusterName=ntkrepro-test
            SlurmctldHost={NodeName}(127.0.0.1)
            SlurmUser=root
            SlurmdUser=root
            AuthType=auth/munge
            AuthInfo=socket={F("munge.socket")}
            StateSaveLocation={F("state")}
            SlurmdSpoolDir={F("spool")}
            SlurmctldPidFile={PidFile("slurmctld")}
            SlurmdPidFile={PidFile("slurmd")}
            SlurmctldLogFile={F("log/slurmctld.log")}
            SlurmdLogFile={F("log/slurmd.log")}
            SlurmctldPort={controllerPort}
            SlurmdPort={nodePort}
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            SelectType=select/cons_tres
            SelectTypeParameters=CR_CPU
            SchedulerType=sched/backfill
            MpiDefault=none
            ReturnToService=2
            MinJobAge=3600
            JobCompType=jobcomp/none
            AccountingStorageType=accounting_storage/none
            NodeName={NodeName} NodeAddr=127.0.0.1 CPUs={System.Environment.ProcessorCount} State=UNKNOWN
            PartitionName=test Nodes={NodeName} Default=YES MaxTime=INFINITE State=UP

            """;
    }

    private string PidFile(string daemon)
    {
        var path = Path.Combine(Folder, daemon + ".pid");
        if (!_pidFiles.Contains(path)) _pidFiles.Add(path);
        return path;
    }

    private void Daemon(string name, params string[] args)
    {
        var result = Run("/usr/sbin/" + name, args);
        if (result.Code != 0) throw new InvalidOperationException($"{name} exited {result.Code}: {Last(result.Output, 400)}");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A Slurm client command (sbatch, squeue, scontrol, scancel, sinfo) against this cluster.</summary>
    public (int Code, string Output) Client(string command, params string[] args) => Run(command, args, null, Environment);

    /// <summary>Runs a script with this cluster's environment and more variables.</summary>
    public (int Code, string Output) Bash(string script, IReadOnlyDictionary<string, string> variables) =>
        Run("/bin/bash", [script], TimeSpan.FromMinutes(5), Environment.Concat(variables).ToDictionary());

    /// <summary>Waits until none of these jobs is pending or running.</summary>
    public void WaitFor(IEnumerable<string> jobIds, TimeSpan limit)
    {
        var ids = string.Join(',', jobIds);
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            var queue = Client("squeue", "-h", "-j", ids, "-o", "%i");
            if (queue.Code == 0 && queue.Output.Trim().Length == 0) return;
            Thread.Sleep(2000);
        }
        throw new TimeoutException($"jobs still queued after {limit}: {Client("squeue").Output}\n{Logs()}");
    }

    /// <summary>Every job the controller remembers, by id: its state, exit code and reason as scontrol shows them ("COMPLETED", "0:0", "None"); one scontrol call.</summary>
    public IReadOnlyDictionary<string, (string State, string ExitCode, string Reason)> Jobs()
    {
        var jobs = new Dictionary<string, (string, string, string)>();
        foreach (var line in Client("scontrol", "show", "job", "--oneliner").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => t.Split('=', 2)).Where(kv => kv.Length == 2)
                .GroupBy(kv => kv[0]).ToDictionary(g => g.Key, g => g.First()[1]);
            if (fields.TryGetValue("JobId", out var id))
                jobs[id] = (fields.GetValueOrDefault("JobState", "?"), fields.GetValueOrDefault("ExitCode", "?"), fields.GetValueOrDefault("Reason", "?"));
        }
        return jobs;
    }

    /// <summary>The daemons' logs, to attach to a failure.</summary>
    public string Logs()
    {
        var sb = new StringBuilder();
        foreach (var log in new[] { "slurmctld.log", "slurmd.log", "munged.log" })
        {
            var path = Path.Combine(Folder, "log", log);
            if (File.Exists(path)) sb.AppendLine($"--- {log} (last lines)").AppendLine(Last(File.ReadAllText(path), 3000));
        }
        return sb.ToString();
    }

    private static string Last(string text, int chars) => text.Length <= chars ? text : text[^chars..];

    private static (int Code, string Output) Run(string file, string[] args, TimeSpan? limit = null, IReadOnlyDictionary<string, string>? environment = null) =>
        ExternalProcess.Run(file, args, limit ?? TimeSpan.FromMinutes(1), environment: environment);

    public void Dispose()
    {
        // Jobs first (their processes are children of slurmd), then the daemons; the folder stays with its logs.
        if (SkipReason is null) Client("scancel", "-u", "root");
        foreach (var pidFile in _pidFiles.AsEnumerable().Reverse())
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid))
                try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
    }
}
