// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title Cumulative Merkle distributor
/// @notice Each root commits to (account, cumulativeAmount) leaves: the total ever owed to
/// the account. A claim pays cumulativeAmount - claimed[account], so only the latest root
/// matters and nothing expires. Leaves use OpenZeppelin's standard format
/// keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount)))), as built by the
/// OpenZeppelin merkle-tree StandardMerkleTree with types ["address", "uint256"].
contract CumulativeMerkleDistributor is AccessControl {
    using SafeERC20 for IERC20;

    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");

    IERC20 public immutable token;
    /// @notice The latest root.
    bytes32 public merkleRoot;
    /// @notice Number of roots posted so far; the settler names the next one, so a root
    /// sent twice (a retry after a crash) is refused instead of applied twice.
    uint64 public sequence;
    /// @notice Base units already paid to each account.
    mapping(address account => uint256) public claimed;

    event RootPosted(uint64 indexed sequence, bytes32 root);
    event Claimed(address indexed account, uint256 amount, uint256 cumulativeAmount);

    error UnexpectedSequence(uint64 expected, uint64 given);
    error InvalidProof();
    error NothingToClaim();

    constructor(IERC20 token_, address admin) {
        token = token_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice Posts root number `newSequence`, which must be exactly sequence + 1.
    function postRoot(uint64 newSequence, bytes32 newRoot) external onlyRole(SETTLER_ROLE) {
        uint64 expected = sequence + 1;
        if (newSequence != expected) revert UnexpectedSequence(expected, newSequence);
        sequence = newSequence;
        merkleRoot = newRoot;
        emit RootPosted(newSequence, newRoot);
    }

    /// @notice Pays `account` what the latest root owes it beyond what it was already paid.
    /// Anyone may call it; the tokens always go to `account`.
    function claim(address account, uint256 cumulativeAmount, bytes32[] calldata proof) external returns (uint256 amount) {
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount))));
        if (!MerkleProof.verifyCalldata(proof, merkleRoot, leaf)) revert InvalidProof();
        uint256 already = claimed[account];
        if (cumulativeAmount <= already) revert NothingToClaim();
        // Cannot underflow: checked just above.
        unchecked {
            amount = cumulativeAmount - already;
        }
        claimed[account] = cumulativeAmount;
        emit Claimed(account, amount, cumulativeAmount);
        token.safeTransfer(account, amount);
    }
}
