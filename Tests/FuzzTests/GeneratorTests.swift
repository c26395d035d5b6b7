import BotServer
import Fuzzing
import RunbookModel
import Testing

/// The generators are reproducible and reach the sizes production allows, no further.
struct GeneratorTests {
    @Test func splitMix64MatchesTheReferenceOutput() {
        // The first outputs of the reference implementation for seed 0: a seed names the
        // same inputs on every platform.
        var random = SplitMix64(seed: 0)
        #expect(random.next() == 0xE220_A839_7B1D_CDAF)
        #expect(random.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(random.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func anInputIsTheSameWhenGeneratedAgainOrAlone() {
        for target in FuzzFixture.targets {
            let first = (0..<20).map { target.input(seed: 7, index: $0).input }
            #expect((0..<20).map { target.input(seed: 7, index: $0).input } == first, "\(target.name)")
            #expect(target.input(seed: 7, index: 13).input == first[13], "\(target.name)")
            #expect((0..<20).map { target.input(seed: 8, index: $0).input } != first, "\(target.name)")
        }
    }

    @Test func sizesReachTheBodyLimitAndNeverPassIt() {
        let sizes = (0..<2_000).map { FuzzTarget.formBody.input(seed: 3, index: $0).input.count }
        #expect(sizes.max()! <= FuzzLimits.httpBody)
        #expect(sizes.max()! > FuzzLimits.httpBody / 2)
        #expect(sizes.min()! < 100)
    }

    @Test func theBodyLimitIsTheServersLimit() {
        let configuration = BotConfiguration(library: FuzzFixture.samples.library, signingSecret: "unused")
        #expect(FuzzLimits.httpBody == configuration.maxBodySize)
    }
}
