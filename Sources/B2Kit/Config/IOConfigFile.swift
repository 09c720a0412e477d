import Foundation
import Yams

/// A Mage-style io_config.yaml: top-level keys are profiles (except `version`), each a mapping of settings
/// such as `B2_APPLICATION_KEY_ID: "{{ env_var('B2_KEY_ID') }}"`.
struct IOConfigFile: Sendable {
    /// The file's path.
    let path: String
    /// The profile names, in file order.
    let profileNames: [String]
    private let profiles: [String: Profile]
    private let templates: [EnvVarTemplate]

    /// One profile's settings, by key.
    struct Profile: Sendable {
        /// The profile name.
        let name: String
        fileprivate let settings: [String: Setting]

        /// The keys the profile sets, in no particular order.
        var keys: some Collection<String> { settings.keys }
    }

    fileprivate enum Setting: Sendable {
        case text(String)
        case null
        case nested(kind: String, line: Int?)
    }

    /// What a profile says about one key.
    enum Lookup: Equatable, Sendable {
        /// A value.
        case value(String)
        /// The key is missing.
        case missing
        /// The key is there but renders to nothing; the reason names the variable, never a value.
        case absent(reason: String)
    }

    /// Reads and parses a file.
    ///
    /// - Parameters:
    ///   - path: the absolute path of the file.
    ///   - origin: how the path was chosen, e.g. "--config", for messages.
    /// - Throws: `B2Error` with code `.configuration` when the file cannot be read, is not valid YAML, or is not a
    ///   mapping of profiles.
    static func load(path: String, origin: String) throws -> IOConfigFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw B2Error(
                .configuration, "Could not read \(path) (\(origin)): check its permissions, or point --config elsewhere"
            )
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw B2Error(.configuration, "\(path) (\(origin)) is not UTF-8 text: save it as UTF-8")
        }
        return try parse(text, path: path)
    }

    /// Parses the text of a file.
    static func parse(_ text: String, path: String) throws -> IOConfigFile {
        let (lifted, templates) = EnvVarTemplate.liftTemplates(from: text)
        let root: Node?
        do {
            root = try Yams.compose(yaml: lifted)
        } catch let error as YamlError {
            throw B2Error(.configuration, "\(path) is not valid YAML: \(describe(error)); fix the file")
        } catch {
            throw B2Error(.configuration, "\(path) is not valid YAML; fix the file")
        }
        guard let root else {
            return IOConfigFile(path: path, profileNames: [], profiles: [:], templates: templates)
        }
        guard let top = root.mapping else {
            throw B2Error(
                .configuration,
                "\(path) should be a mapping of profiles (default:, dev:, ...)\(atLine(root.mark)); fix the file"
            )
        }
        var names: [String] = []
        var profiles: [String: Profile] = [:]
        for (key, value) in merged(top) {
            guard let name = key.scalar?.string, name != "version" else { continue }
            let settings: [String: Setting]
            switch value {
            case .mapping(let mapping):
                var collected: [String: Setting] = [:]
                for (settingKey, settingValue) in merged(mapping) {
                    guard let settingName = settingKey.scalar?.string else { continue }
                    collected[settingName] = setting(settingValue)
                }
                settings = collected
            case .scalar where value.null != nil:
                settings = [:]
            default:
                continue
            }
            names.append(name)
            profiles[name] = Profile(name: name, settings: settings)
        }
        return IOConfigFile(path: path, profileNames: names, profiles: profiles, templates: templates)
    }

    /// The profile of that name, if the file has it.
    func profile(named name: String) -> Profile? {
        profiles[name]
    }

    /// Looks a key up in a profile, rendering its templates.
    ///
    /// - Throws: `B2Error` with code `.configuration` when the value is not text or uses a template b2kit cannot
    ///   evaluate.
    func lookup(_ key: String, in profile: Profile, environment: [String: String]) throws -> Lookup {
        switch profile.settings[key] {
        case nil:
            return .missing
        case .null:
            return .absent(reason: "it is empty")
        case .nested(let kind, let line):
            throw B2Error(
                .configuration,
                "\(key) in profile \(profile.name) of \(path)\(line.map { " (line \($0))" } ?? "") is a \(kind), "
                    + "not text: write \(key): \"{{ env_var('NAME') }}\" or the value itself"
            )
        case .text(let text):
            do {
                switch try EnvVarTemplate.render(text, templates: templates, environment: environment) {
                case .value(let value): return .value(value)
                case .absent(let reason): return .absent(reason: reason)
                }
            } catch {
                let what = error.function.map { "{{ \($0)(...) }}" } ?? "a template"
                throw B2Error(
                    .configuration,
                    "\(key) in profile \(profile.name) of \(path) uses \(what), which b2kit cannot evaluate: it "
                        + "reads only {{ env_var('NAME') }} and {{ env_var('NAME', 'default') }}, so export the "
                        + "value as a variable and use env_var"
                )
            }
        }
    }

    private static func setting(_ node: Node) -> Setting {
        switch node {
        case .scalar(let scalar):
            return node.null != nil ? .null : .text(scalar.string)
        case .mapping(let mapping):
            return .nested(kind: "mapping", line: mapping.mark?.line)
        case .sequence(let sequence):
            return .nested(kind: "list", line: sequence.mark?.line)
        case .alias(let alias):
            return .nested(kind: "alias", line: alias.mark?.line)
        }
    }

    /// The pairs of a mapping with YAML merge keys (`<<: *base`) expanded; the mapping's own keys win.
    private static func merged(_ mapping: Node.Mapping) -> [(key: Node, value: Node)] {
        var own: [(key: Node, value: Node)] = []
        var inherited: [(key: Node, value: Node)] = []
        for pair in mapping {
            guard pair.key.scalar?.string == "<<", pair.key.scalar?.style == .plain else {
                own.append(pair)
                continue
            }
            switch pair.value {
            case .mapping(let base): inherited += merged(base)
            case .sequence(let bases): inherited += bases.compactMap(\.mapping).flatMap { merged($0) }
            default: own.append(pair)
            }
        }
        let ownKeys = Set(own.compactMap { $0.key.scalar?.string })
        var seen: Set<String> = []
        let kept = inherited.filter { pair in
            guard let name = pair.key.scalar?.string else { return false }
            return !ownKeys.contains(name) && seen.insert(name).inserted
        }
        return kept + own
    }

    private static func atLine(_ mark: Mark?) -> String {
        mark.map { " (line \($0.line))" } ?? ""
    }

    /// Says what is wrong and where, without quoting the file (which may hold a secret).
    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let while_ = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return "\(problem) at line \(mark.line), column \(mark.column)\(while_)"
        case .reader(let problem, _, _, _):
            return "\(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return "duplicate key \(names) in the mapping at line \(context.mark.line)"
        case .dataCouldNotBeDecoded:
            return "it is not UTF-8"
        default:
            return "the YAML parser failed"
        }
    }
}
