using System;
using System.Collections.Generic;
using Rvm.Inference;
using Rvm.Models;

namespace Rvm.PowerShell.Infrastructure;

/// <summary>
/// The model used when a cmdlet is given none: imported once per session (process) and -Device with the defaults,
/// then shared, so "-Device Cpu" after "-Device Auto" loads on the CPU instead of reusing the first device's model.
/// </summary>
internal static class DefaultModel
{
    private static readonly object Gate = new object();
    private static readonly Dictionary<ExecutionDevice, RvmModel> Models = new Dictionary<ExecutionDevice, RvmModel>();

    public static RvmModel Get(ModelLog log, ExecutionDevice device = ExecutionDevice.Auto)
    {
        lock (Gate)
        {
            if (Models.TryGetValue(device, out var model) && !model.IsDisposed) return model;
            log.Verbose?.Invoke($"No -Model given: importing the default model (MobileNetV3 fp32) once for this session on -Device {device}.");
            var resolved = new ModelResolver(ModelCache.Default(), log).Resolve(new ModelRequest());
            model = RvmModel.Load(resolved, new SessionSettings { Device = device }, log.Verbose);
            Models[device] = model;
            log.Verbose?.Invoke($"Default model: {resolved.Source}, device {model.Device}.");
            return model;
        }
    }
}
