import ArgumentParser
import AutopipeData
import AutopipeOperators
import AutopipeSearch
import Foundation

/// Runs a subcommand body, turning every expected failure (bad data, bad options, bad configuration) into one
/// `error:` line on stderr and exit status 2.
func runReportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as DataError {
        fail(error.description)
    } catch let error as SchemaError {
        fail(error.description)
    } catch let error as OperatorError {
        fail(error.description)
    } catch let error as SearchError {
        fail(error.description)
    } catch let error as SearchConfigError {
        fail(error.description)
    } catch let error as PersistenceError {
        fail(error.description)
    } catch let error as DecodingError {
        fail("malformed JSON: \(describe(error))")
    } catch let error as CocoaError {
        fail(error.localizedDescription)
    } catch {
        fail("\(error)")
    }
}

func fail(_ message: String) -> Never {
    Stderr.write("error: \(message)\n")
    exit(2)
}

func describe(_ error: DecodingError) -> String {
    switch error {
    case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context),
         .keyNotFound(_, let context):
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return (path.isEmpty ? "" : "at '\(path)': ") + context.debugDescription
    @unknown default:
        return "\(error)"
    }
}

enum Stderr {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static var isTerminal: Bool { isatty(2) == 1 }
}
