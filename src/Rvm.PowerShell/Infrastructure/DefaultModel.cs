using System;
using Rvm.Inference;
using Rvm.Models;

namespace Rvm.PowerShell.Infrastructure;

/// <summary>The model used when a cmdlet is given none: imported once per session (process) with the defaults, then shared.</summary>
internal static class DefaultModel
{
    private static readonly object Gate = new object();
    private static RvmModel? _model;

    public static RvmModel Get(ModelLog log, ExecutionDevice device = ExecutionDevice.Auto)
    {
        lock (Gate)
        {
            if (_model != null && !_model.IsDisposed) return _model;
            log.Verbose?.Invoke("No -Model given: importing the default model (MobileNetV3 fp32) once for this session.");
            var resolved = new ModelResolver(ModelCache.Default(), log).Resolve(new ModelRequest());
            _model = RvmModel.Load(resolved, new SessionSettings { Device = device }, log.Verbose);
            log.Verbose?.Invoke($"Default model: {resolved.Source}, device {_model.Device}.");
            return _model;
        }
    }
}
