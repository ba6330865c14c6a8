import AutopipeData
import AutopipeOperators
import Foundation

/// The complete state of a search at the end of a generation (`--checkpoint`): settings, operator space and
/// dataset identity (to refuse resuming a different search), and the evolution's state (population, Pareto
/// front, every evaluation, the generator's state). Written atomically after every generation; `--resume`
/// continues from it and ends with exactly the result of an uninterrupted run.
public struct Checkpoint: Sendable, Codable {
    /// 2: step seeds come from the sub-pipeline a step ends (version 1's came from the whole pipeline, so its
    /// scores cannot be continued by this build).
    public static let currentFormatVersion = 2

    public var formatVersion: Int
    public var autopipeVersion: String
    public var settings: SearchSettings
    public var task: Task
    public var spaceName: String
    public var spaceDigest: String
    public var dataFingerprint: String
    public var state: SearchState

    public init(settings: SearchSettings, task: Task, space: SearchSpace, dataFingerprint: String, state: SearchState) {
        formatVersion = Self.currentFormatVersion
        autopipeVersion = AutopipeVersion.current
        self.settings = settings
        self.task = task
        spaceName = space.name
        spaceDigest = space.digest
        self.dataFingerprint = dataFingerprint
        self.state = state
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", autopipeVersion = "autopipe_version", settings, task
        case spaceName = "space_name", spaceDigest = "space_digest", dataFingerprint = "data_fingerprint", state
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                      nan: "nan")
        return try encoder.encode(self)
    }

    public func save(to path: String) throws {
        try AtomicFile.write(try encoded(), to: path)
    }

    public static func load(from path: String) throws -> Checkpoint {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileReason.reading(path, failedWith: error)
            throw PersistenceError.cannotRead(path: path, reason: reason)
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                        nan: "nan")
        let checkpoint: Checkpoint
        do {
            checkpoint = try decoder.decode(Checkpoint.self, from: data)
        } catch let error as DecodingError {
            throw PersistenceError.corruptCheckpoint(path: path, detail: ConfigDecoding.describe(error))
        }
        guard checkpoint.formatVersion == currentFormatVersion else {
            throw PersistenceError.checkpointVersion(path: path, found: checkpoint.formatVersion,
                                                     supported: currentFormatVersion)
        }
        return checkpoint
    }

    /// What makes this checkpoint unusable for a search with these settings, space and data (empty: resumable).
    public func differences(settings now: SearchSettings, task nowTask: Task, space: SearchSpace,
                            dataFingerprint nowFingerprint: String) -> [String] {
        var out: [String] = []
        if dataFingerprint != nowFingerprint {
            out.append("the data differs (fingerprint \(dataFingerprint) in the checkpoint, \(nowFingerprint) now)")
        }
        if task != nowTask { out.append("the task differs (checkpoint \(task.rawValue), now \(nowTask.rawValue))") }
        out += now.incompatibilities(with: settings)
        if spaceDigest != space.digest {
            out.append("--config: the operator space differs (checkpoint '\(spaceName)', now '\(space.name)')")
        }
        if let generations = now.generations, state.generation > generations {
            out.append("--generations \(generations) is below the \(state.generation) generations the checkpoint "
                + "already completed")
        }
        return out
    }
}

/// Why a checkpoint's state cannot be used (raised while restoring it).
public enum CheckpointError: Error, Sendable, Equatable {
    case incompatible([String])
}
